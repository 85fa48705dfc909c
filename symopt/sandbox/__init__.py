"""Theano's ``theano.sandbox`` import paths."""
