# The two commands of the README. Both install missing system packages first.
#   make serve LIBRARY=~/Pictures   run the gallery on a folder of photos
#   make test                       run every test
LIBRARY ?= ./photos
CARGO ?= cargo
# HEIC/AVIF photos when libheif's decoders are installed (bootstrap installs them). Expanded by
# the shell when the recipe runs, i.e. after bootstrap.
HEIF = $$(pkg-config --exists libde265 dav1d 2>/dev/null && echo --features albumen/heif)

.PHONY: serve test bootstrap

bootstrap:
	@./scripts/bootstrap.sh

serve: bootstrap
	$(CARGO) run --release --locked $(HEIF) -- serve --library "$(LIBRARY)"

# With ALBUMEN_TEST_DATABASE_URL naming a PostgreSQL server (.ci/run sets it), the database
# conformance tests run on it too, and so, a second time, do the in-process integration tests.
test: bootstrap
	$(CARGO) test --workspace --locked $(HEIF)
	@if [ -n "$$ALBUMEN_TEST_DATABASE_URL" ]; then \
	  echo "== integration tests on PostgreSQL"; \
	  ALBUMEN_IT_DATABASE_URL="$$ALBUMEN_TEST_DATABASE_URL" $(CARGO) test -p albumen --test it --locked $(HEIF); \
	fi
