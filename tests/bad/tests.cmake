# tests/bad: reliability tests (issue 8). The bad-input corpus (every case
# exits 2 with a one-line message naming the place), the estimator sweep over
# the whole catalog, and, with -DFITCHECK_FUZZ=ON, short libFuzzer runs.
add_test(NAME bad_inputs
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/bad/run_bad.sh $<TARGET_FILE:fitcheck>
          ${PROJECT_SOURCE_DIR}/tests/bad/cases.txt
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(bad_inputs PROPERTIES TIMEOUT 300)

fitcheck_unit_test(sweep bad/test_sweep.c)
set_tests_properties(sweep PROPERTIES TIMEOUT 600)

# libFuzzer targets and their CI smoke runs (only with -DFITCHECK_FUZZ=ON)
include(${CMAKE_CURRENT_LIST_DIR}/../fuzz/fuzz.cmake)

# bench/bench.sh: estimates per second over the full sweep
add_executable(fc_bench_sweep ${PROJECT_SOURCE_DIR}/bench/bench_sweep.c)
target_link_libraries(fc_bench_sweep PRIVATE fitcheck_core)
target_compile_options(fc_bench_sweep PRIVATE ${FITCHECK_WARNINGS})
