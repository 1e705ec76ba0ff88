"""Offline geography for the ``location`` family: the compiled gazetteer and its parsers."""
