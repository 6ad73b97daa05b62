# tests/accuracy: the estimator against measured runs (tests/measured/, a
# copy of shared/measured), the test-description parser, the optimiser and
# the calibration round trip; see docs/accuracy.md.
fitcheck_unit_test(accuracy_unit accuracy/test_accuracy.c)
# the command a user runs from a fresh build, with the summary it prints
add_test(NAME accuracy_validate
         COMMAND fitcheck validate tests/measured/measured-public.csv --summary)
add_test(NAME accuracy_validate_cv
         COMMAND fitcheck validate tests/measured/measured-public.csv --cross-validate
                 --format json)
set_tests_properties(accuracy_validate accuracy_validate_cv
                     PROPERTIES WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(accuracy_validate PROPERTIES
                     PASS_REGULAR_EXPRESSION "decode +all +all")
