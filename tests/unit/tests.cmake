# tests/unit: cmocka tests of the core library and the CLI's building blocks
fitcheck_unit_test(unit_catalog unit/test_catalog.c)
fitcheck_unit_test(unit_estimate unit/test_estimate.c)
fitcheck_unit_test(unit_cost unit/test_cost.c)
