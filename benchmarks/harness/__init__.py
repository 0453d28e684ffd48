"""Measures dotflow side by side with plain Python, dotflow 1.0.1 and Prefect."""
