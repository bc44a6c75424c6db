.PHONY: demo test bench lint messages locks

demo:  ## Set up and run Grappe with demo data on SQLite (PARTNER=1: and a partner logistics cluster beside it)
	scripts/demo.sh $(if $(filter 1,$(PARTNER)),--with-partner)

test:  ## Run the whole test suite
	scripts/test.sh

bench:  ## Run the benchmarks (PostgreSQL: set DATABASE_URL)
	bench/run.sh

messages:  ## Extract the strings to translate into locale/fr
	.venv/bin/python manage.py makemessages -l fr --ignore=.venv --ignore=bench --no-obsolete

locks:  ## Pin the Python dependencies with hashes (requirements/*.txt); ARGS=--upgrade moves them all
	scripts/locks.sh $(ARGS)
