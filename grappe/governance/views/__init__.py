"""Shared governance's pages: the bodies (axes, committees, work streams), their meetings and minutes, the votes."""
