# tests/cli: the fitcheck binary run as a user would (exit codes, formats, errors)
foreach(group basics list estimate commands catalogs)
  add_test(NAME cli_${group}
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/cli_test.sh $<TARGET_FILE:fitcheck>
            $<TARGET_FILE:fc_jsoncheck> ${group}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()
