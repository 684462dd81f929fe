"""Benchmarks: `make bench` (python -m bench) runs each module and collects figures in bench/results.json."""
