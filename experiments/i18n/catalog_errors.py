"""Texts of errors that say what changed meanwhile: a write lost a race and wrote nothing."""

EN = {
    "sign_in.wrong": "The username or the password is wrong; check both and try again (an admin can set a new password).",
    "sign_in.inactive": "The account '{username}' is deactivated; ask an admin to reactivate it.",
    "changed.cycle_phase": "Cycle {number} of '{campaign}' was moved meanwhile: it is in {now} now, no longer in {seen}. Nothing was saved; reload the page and try again.",
    "changed.cycle_closed": "Cycle {number} of '{campaign}' was closed meanwhile (someone turned the loop). Nothing was saved; reload the page and record it in the open cycle.",
    "changed.open_cycle": "Cycle {number} of '{campaign}' is no longer the open cycle: someone turned the loop meanwhile. Nothing was saved; reload the page and try again.",
    "changed.cycle": "Cycle {number} of '{campaign}' was changed meanwhile by someone else. Nothing was saved; reload the page to see the change and enter yours again.",
    "changed.learning_decision": "The decision on the learning '{statement}' was changed meanwhile: it reads '{now}' now, no longer '{seen}'. Nothing was saved; reload the page and try again.",
    "changed.learning": "The learning '{statement}' was changed meanwhile by someone else. Nothing was saved; reload the page to see the change and enter yours again.",
    "changed.feedback": "The feedback was moved on meanwhile: it is '{now}' now, no longer '{seen}'. Nothing was saved; reload the page and try again.",
    "changed.goal": "The goal '{name}' was changed meanwhile by someone else. Nothing was saved; reload the page to see the change and enter yours again.",
    "changed.campaign": "The campaign '{name}' was changed meanwhile by someone else. Nothing was saved; reload the page to see the change and enter yours again.",
    "changed.import": "The import of {file} was undone meanwhile by someone else. Nothing was changed; reload the page to see the import history.",
    "changed.data": "Someone else changed the same data at the same moment ({detail}). Nothing was saved; reload the page and try again.",
    "changed.server": "Someone else saved a change through another app server at the same moment, and the two could not both be kept. Nothing was saved; reload the page and try again.",
}

DE = {
    "sign_in.wrong": "Benutzername oder Passwort ist falsch; prüfen Sie beides und versuchen Sie es erneut (ein Admin kann ein neues Passwort setzen).",
    "sign_in.inactive": "Das Konto „{username}“ ist deaktiviert; bitten Sie einen Admin, es wieder zu aktivieren.",
    "changed.cycle_phase": "Zyklus {number} von „{campaign}“ wurde inzwischen verschoben: Er ist jetzt in der Phase {now}, nicht mehr in {seen}. Es wurde nichts gespeichert; laden Sie die Seite neu und versuchen Sie es erneut.",
    "changed.cycle_closed": "Zyklus {number} von „{campaign}“ wurde inzwischen abgeschlossen (jemand hat den nächsten Zyklus gestartet). Es wurde nichts gespeichert; laden Sie die Seite neu und erfassen Sie es im offenen Zyklus.",
    "changed.open_cycle": "Zyklus {number} von „{campaign}“ ist nicht mehr der offene Zyklus: Jemand hat inzwischen den nächsten Zyklus gestartet. Es wurde nichts gespeichert; laden Sie die Seite neu und versuchen Sie es erneut.",
    "changed.cycle": "Zyklus {number} von „{campaign}“ wurde inzwischen von jemand anderem geändert. Es wurde nichts gespeichert; laden Sie die Seite neu, um die Änderung zu sehen, und geben Sie Ihre erneut ein.",
    "changed.learning_decision": "Die Entscheidung zum Learning „{statement}“ wurde inzwischen geändert: Sie lautet jetzt „{now}“, nicht mehr „{seen}“. Es wurde nichts gespeichert; laden Sie die Seite neu und versuchen Sie es erneut.",
    "changed.learning": "Das Learning „{statement}“ wurde inzwischen von jemand anderem geändert. Es wurde nichts gespeichert; laden Sie die Seite neu, um die Änderung zu sehen, und geben Sie Ihre erneut ein.",
    "changed.feedback": "Das Feedback wurde inzwischen weitergeführt: Es ist jetzt „{now}“, nicht mehr „{seen}“. Es wurde nichts gespeichert; laden Sie die Seite neu und versuchen Sie es erneut.",
    "changed.goal": "Das Ziel „{name}“ wurde inzwischen von jemand anderem geändert. Es wurde nichts gespeichert; laden Sie die Seite neu, um die Änderung zu sehen, und geben Sie Ihre erneut ein.",
    "changed.campaign": "Die Kampagne „{name}“ wurde inzwischen von jemand anderem geändert. Es wurde nichts gespeichert; laden Sie die Seite neu, um die Änderung zu sehen, und geben Sie Ihre erneut ein.",
    "changed.import": "Der Import von {file} wurde inzwischen von jemand anderem rückgängig gemacht. Es wurde nichts geändert; laden Sie die Seite neu, um den Importverlauf zu sehen.",
    "changed.data": "Jemand anderes hat im selben Moment dieselben Daten geändert ({detail}). Es wurde nichts gespeichert; laden Sie die Seite neu und versuchen Sie es erneut.",
    "changed.server": "Jemand anderes hat im selben Moment über einen anderen App-Server eine Änderung gespeichert, und beide ließen sich nicht zugleich behalten. Es wurde nichts gespeichert; laden Sie die Seite neu und versuchen Sie es erneut.",
}
