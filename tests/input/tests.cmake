# tests/input: real model inputs (config.json, GGUF headers), check / plan /
# recommend, --hardware local against recorded tool outputs, install and man.
fitcheck_unit_test(input_gguf input/test_gguf.c input/gguf_writer.c)
fitcheck_unit_test(input_hf_config input/test_hf_config.c)

# writes a Llama-3.1-8B-shaped GGUF header for the CLI tests
add_executable(fc_gguf_gen input/gguf_writer.c)
target_compile_definitions(fc_gguf_gen PRIVATE GW_MAIN)
target_compile_options(fc_gguf_gen PRIVATE ${FITCHECK_WARNINGS})

foreach(group check files plan recommend local)
  add_test(NAME input_cli_${group}
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/input/input_test.sh $<TARGET_FILE:fitcheck>
            $<TARGET_FILE:fc_jsoncheck> ${group} $<TARGET_FILE:fc_gguf_gen>
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()

# cmake --install into a temporary prefix; the man page renders with man -l
add_test(NAME input_install
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/input/install_test.sh ${PROJECT_BINARY_DIR} install
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME input_man
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/input/install_test.sh ${PROJECT_BINARY_DIR} man
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(input_man PROPERTIES SKIP_RETURN_CODE 77)
