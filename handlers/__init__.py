"""Lookup command logic: plain functions over the store, testable without Discord."""
