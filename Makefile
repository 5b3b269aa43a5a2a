# The two commands of the README. Both install missing system packages first.
#   make serve LIBRARY=~/Pictures   run the gallery on a folder of photos
#   make test                       run every test
LIBRARY ?= ./photos
CARGO ?= cargo

.PHONY: serve test bootstrap

bootstrap:
	@./scripts/bootstrap.sh

serve: bootstrap
	$(CARGO) run --release --locked -- serve --library "$(LIBRARY)"

test: bootstrap
	$(CARGO) test --workspace --locked
