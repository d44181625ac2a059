"""Tests of optimize."""
