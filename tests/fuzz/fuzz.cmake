# tests/fuzz: libFuzzer targets, built with -DFITCHECK_FUZZ=ON (clang). Each
# also gets a short CTest run (fuzz_<target>_smoke, FITCHECK_FUZZ_SECONDS from
# its seed corpus) so that CI keeps them building and running; scripts/fuzz.sh
# TARGET SECONDS runs one for longer.
if(FITCHECK_FUZZ)
  set(FITCHECK_FUZZ_SECONDS 10 CACHE STRING "Seconds of each fuzz_<target>_smoke test")
  foreach(t catalog cli csv gguf hf_config)
    add_executable(fuzz_${t} ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_${t}.c)
    target_link_libraries(fuzz_${t} PRIVATE fitcheck_cli m)
    target_include_directories(fuzz_${t} PRIVATE ${PROJECT_SOURCE_DIR}/src/core)
    target_compile_options(fuzz_${t} PRIVATE ${FITCHECK_WARNINGS})
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    add_test(NAME fuzz_${t}_smoke
      COMMAND ${CMAKE_COMMAND} -E env FUZZ_BIN=$<TARGET_FILE:fuzz_${t}>
              bash ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh ${t} ${FITCHECK_FUZZ_SECONDS}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(fuzz_${t}_smoke PROPERTIES TIMEOUT 120)
  endforeach()
endif()
