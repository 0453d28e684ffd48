"""The dashboard's measures: ingest, start, memory and page time, side by side with a floor."""
