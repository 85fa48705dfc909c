"""Utilities around the core, as Theano's ``theano.misc``."""
