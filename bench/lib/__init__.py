"""The benchmarks of bench/run, one module per subject; common.py is what they share."""
