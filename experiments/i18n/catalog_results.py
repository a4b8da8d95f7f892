"""Texts of the import summary about Meta's Results and what their result indicator says."""

EN = {
    "import.warn.results_unnamed": "The file does not say what its Results count (it has no Result indicator column), so they are counted as conversions. If they are link clicks, reach or anything else, export the report again with the Result indicator column.",
    "import.warn.results_empty": "{rows} rows have Results but an empty result indicator, so they are counted as conversions. If they are something else, export the report again with the Result indicator filled in.",
    "import.warn.results_empty_kept": "{rows} rows have Results but an empty result indicator: they are kept as additional values under “{label}”, not counted as a metric. Export the report again with the Result indicator filled in to count them.",
    "import.warn.results_kept": "The Results of {rows} rows count {indicators}: no metric of the tool holds them here (or the file's own column already does), so they are kept as additional values under that name and not counted as conversions. Nothing to do unless you want them as a metric: then add their own column to the export.",
    "import.warn.results_mixed": "Results of different kinds add up in one metric: {campaigns}. Check that they belong together before you compare these campaigns, or export each kind as its own column.",
}

DE = {
    "import.warn.results_unnamed": "Die Datei sagt nicht, was ihre Ergebnisse zählen (ihr fehlt die Spalte Ergebnisindikator); sie werden deshalb als Conversions gezählt. Sind es Link-Klicks, Reichweite oder etwas anderes, exportieren Sie den Bericht erneut mit der Spalte Ergebnisindikator.",
    "import.warn.results_empty": "{rows} Zeilen haben Ergebnisse, aber einen leeren Ergebnisindikator; sie werden deshalb als Conversions gezählt. Sind es andere Ergebnisse, exportieren Sie den Bericht erneut mit ausgefülltem Ergebnisindikator.",
    "import.warn.results_empty_kept": "{rows} Zeilen haben Ergebnisse, aber einen leeren Ergebnisindikator: Sie bleiben als zusätzliche Werte unter „{label}“ erhalten und zählen zu keiner Kennzahl. Exportieren Sie den Bericht mit ausgefülltem Ergebnisindikator, um sie zu zählen.",
    "import.warn.results_kept": "Die Ergebnisse von {rows} Zeilen zählen {indicators}: Keine Kennzahl des Tools nimmt sie hier auf (oder die eigene Spalte der Datei enthält sie schon), deshalb bleiben sie als zusätzliche Werte unter diesem Namen erhalten und zählen nicht als Conversions. Nichts zu tun, außer Sie möchten sie als Kennzahl: Dann nehmen Sie ihre eigene Spalte in den Export auf.",
    "import.warn.results_mixed": "Ergebnisse verschiedener Art summieren sich in einer Kennzahl: {campaigns}. Prüfen Sie, ob sie zusammengehören, bevor Sie diese Kampagnen vergleichen, oder exportieren Sie jede Art als eigene Spalte.",
}
