"""Sign-in, sign-out, password reset, own profile and password."""
