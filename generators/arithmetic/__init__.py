"""Arithmetic families: mixed expressions, prime factors, gcd and the matrix families."""
