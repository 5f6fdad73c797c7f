"""Test and benchmark tooling (not part of the library): the synthetic corpus generator
(:mod:`benchmarks.synth`) and the scale benchmark (:mod:`benchmarks.bench`), run by ``make bench``."""
