"""daftar: licensing of Judicial Electronic Services Offices."""
