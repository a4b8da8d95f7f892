"""Texts about money in its currencies: unknown codes, amounts that cannot be added up, rates."""

EN = {
    "money.refuse.unknown_code": "'{value}' is not an ISO 4217 currency code — write the three letters of the currency, for example EUR, USD or IDR",
    "money.refuse.bad_month": "'{value}' is not a month — write it as YYYY-MM, for example 2026-11",
    "money.refuse.bad_rate": "{value} is not a conversion rate — write how much one unit of the currency is worth in the target currency, a number above 0",
    "money.refuse.same_currency": "a rate from {value} into {value} is always 1 — name two different currencies",
    "money.refuse.mixed": "the amounts are in several currencies ({currencies}) and are never added up without rates — enter a rate into {into} for every month involved (fx set CURRENCY YYYY-MM RATE), or compare only facts of one currency",
    "import.refuse.currency_header": "{where}, column {column}: '{value}' in '{label}' is not an ISO 4217 currency code — export the report again in the ad account's currency, or correct the three letters in brackets (for example EUR, USD or IDR)",
    "import.refuse.currency_cell": "{where}, column {column}: '{value}' in '{label}' is not an ISO 4217 currency code — correct the cell to the three letters of the currency (for example EUR, USD or IDR)",
    "import.refuse.currency_columns": "{where}: the money columns name different currencies ({currencies}) — export the report again with every amount in the ad account's currency",
    "campaigns.currency_now": "Money of this campaign is shown in its account currency: {code}.",
    "campaigns.currency": "Account currency (ISO 4217 code)",
    "campaigns.currency_help": "The three letters of the ad accounts' currency, e.g. EUR, USD or IDR. Empty: the first import that names a currency decides (else EUR). Facts whose export named no currency are taken to be in it.",
    "campaigns.currency_save": "Save currency",
    "campaigns.currency_saved": "{name}: money is now shown in {code}.",
    "money.cycle_mixed": "The amounts of this cycle are in several currencies and are not added up: enter conversion rates, or give each account's campaign names their own campaign.",
    "import.warn.no_currency": "The export names no currency: its amounts are taken to be in each campaign's account currency (set it on the Campaigns page or with 'currency CAMPAIGN CODE'; without one, the first import that names a currency decides, else EUR).",
    "money.converted": "converted from {sources} into {into} at the rates of {months}",
}

DE = {
    "money.refuse.unknown_code": "„{value}“ ist kein Währungscode nach ISO 4217 — schreiben Sie die drei Buchstaben der Währung, zum Beispiel EUR, USD oder IDR",
    "money.refuse.bad_month": "„{value}“ ist kein Monat — schreiben Sie ihn als JJJJ-MM, zum Beispiel 2026-11",
    "money.refuse.bad_rate": "{value} ist kein Umrechnungskurs — geben Sie an, wie viel eine Einheit der Währung in der Zielwährung wert ist, eine Zahl über 0",
    "money.refuse.same_currency": "Ein Kurs von {value} in {value} ist immer 1 — nennen Sie zwei verschiedene Währungen",
    "money.refuse.mixed": "Die Beträge sind in mehreren Währungen ({currencies}) und werden ohne Kurse nie zusammengezählt — tragen Sie für jeden betroffenen Monat einen Kurs in {into} ein (fx set WÄHRUNG JJJJ-MM KURS) oder vergleichen Sie nur Fakten einer Währung",
    "import.refuse.currency_header": "{where}, Spalte {column}: „{value}“ in „{label}“ ist kein Währungscode nach ISO 4217 — exportieren Sie den Bericht erneut in der Währung des Werbekontos oder korrigieren Sie die drei Buchstaben in Klammern (zum Beispiel EUR, USD oder IDR)",
    "import.refuse.currency_cell": "{where}, Spalte {column}: „{value}“ in „{label}“ ist kein Währungscode nach ISO 4217 — korrigieren Sie die Zelle auf die drei Buchstaben der Währung (zum Beispiel EUR, USD oder IDR)",
    "import.refuse.currency_columns": "{where}: Die Geldspalten nennen verschiedene Währungen ({currencies}) — exportieren Sie den Bericht erneut mit allen Beträgen in der Währung des Werbekontos",
    "campaigns.currency_now": "Geld dieser Kampagne wird in ihrer Kontowährung gezeigt: {code}.",
    "campaigns.currency": "Kontowährung (Code nach ISO 4217)",
    "campaigns.currency_help": "Die drei Buchstaben der Währung der Werbekonten, z. B. EUR, USD oder IDR. Leer: Der erste Import, der eine Währung nennt, entscheidet (sonst EUR). Fakten, deren Export keine Währung nennt, gelten als in ihr.",
    "campaigns.currency_save": "Währung speichern",
    "campaigns.currency_saved": "{name}: Geld wird jetzt in {code} gezeigt.",
    "money.cycle_mixed": "Die Beträge dieses Zyklus sind in mehreren Währungen und werden nicht zusammengezählt: Tragen Sie Umrechnungskurse ein oder geben Sie den Kampagnennamen jedes Kontos eine eigene Kampagne.",
    "import.warn.no_currency": "Der Export nennt keine Währung: Die Beträge gelten als in der Kontowährung der jeweiligen Kampagne (festzulegen auf der Seite Kampagnen oder mit „currency KAMPAGNE CODE“; ohne sie entscheidet der erste Import, der eine Währung nennt, sonst EUR).",
    "money.converted": "umgerechnet von {sources} in {into} zu den Kursen von {months}",
}
