# `make install [PREFIX=/usr/local]`: the vigil binary, its completions and its man page
# (lab/install.sh does the work).
PREFIX ?= /usr/local

.PHONY: install
install:
	lab/install.sh --prefix $(PREFIX)
