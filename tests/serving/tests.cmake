# tests/serving: many users, mixed GPUs, clusters through the CLI (issue 7)
add_test(NAME cli_serving
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/serving/serving_test.sh $<TARGET_FILE:fitcheck>
          $<TARGET_FILE:fc_jsoncheck>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
