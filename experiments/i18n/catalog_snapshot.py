"""Texts about exports with several tables a platform knows (GA4's Reports snapshot)."""

EN = {
    "import.table.titled": "{number}. “{title}” (line {line})",
    "import.table.untitled": "{number}. the table headed {columns} (line {line})",
    "import.refuse.several_tables": '{where}: the file holds several tables a platform knows — {tables} — and one import reads one table: choose it by its number or its title, on the command line with --table (for example --table 1 or --table "TITLE"), on the import page under “Table to import”',
    "import.refuse.table_number": "{where}: the file has no table number {choice} — the tables a platform knows in it are {tables}: choose one by its number ({numbers}) or its title",
    "import.refuse.table_title": "{where}: no table of the file has the title “{choice}” — the tables a platform knows in it are {tables}: choose one by its number ({numbers}) or its title as written there",
    "import.refuse.table_title_twice": "{where}: {matching} tables of the file have the title “{choice}” — the tables a platform knows in it are {tables}: choose the one you mean by its number ({numbers})",
    "import.tables": "This file holds several tables a platform knows (a report snapshot, for example), and one import reads one table. Choose the table to import; nothing is read before you do.",
    "import.table_pick": "Table to import",
}

DE = {
    "import.table.titled": "{number}. „{title}“ (Zeile {line})",
    "import.table.untitled": "{number}. die Tabelle mit den Spalten {columns} (Zeile {line})",
    "import.refuse.several_tables": '{where}: Die Datei enthält mehrere Tabellen, die eine Plattform kennt — {tables} — und ein Import liest eine Tabelle: Wählen Sie sie nach Nummer oder Titel, in der Befehlszeile mit --table (zum Beispiel --table 1 oder --table "TITEL"), auf der Import-Seite unter „Zu importierende Tabelle“',
    "import.refuse.table_number": "{where}: Die Datei hat keine Tabelle Nummer {choice} — die Tabellen darin, die eine Plattform kennt, sind {tables}: Wählen Sie eine nach ihrer Nummer ({numbers}) oder ihrem Titel",
    "import.refuse.table_title": "{where}: Keine Tabelle der Datei hat den Titel „{choice}“ — die Tabellen darin, die eine Plattform kennt, sind {tables}: Wählen Sie eine nach ihrer Nummer ({numbers}) oder ihrem Titel, wie er dort steht",
    "import.refuse.table_title_twice": "{where}: {matching} Tabellen der Datei haben den Titel „{choice}“ — die Tabellen darin, die eine Plattform kennt, sind {tables}: Wählen Sie die gemeinte nach ihrer Nummer ({numbers})",
    "import.tables": "Diese Datei enthält mehrere Tabellen, die eine Plattform kennt (zum Beispiel ein Berichts-Snapshot), und ein Import liest eine Tabelle. Wählen Sie die zu importierende Tabelle; vorher wird nichts gelesen.",
    "import.table_pick": "Zu importierende Tabelle",
}
