"""Benchmarks behind `make bench`: each module measures a subject and a baseline in the same run."""
