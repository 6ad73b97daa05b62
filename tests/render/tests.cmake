# tests/render: the chart renderers (text bars, SVG, HTML) on hand-built views,
# the svg and html formats through the binary, and the HTML page rendered by
# headless Chromium (skipped, exit 77, where Chromium is not installed).
fitcheck_unit_test(render_unit render/test_render.c)
foreach(group text svg html)
  add_test(NAME render_${group}
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/render/render_test.sh $<TARGET_FILE:fitcheck>
            $<TARGET_FILE:fc_jsoncheck> ${group}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()
add_test(NAME render_chromium
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/render/chromium_test.sh $<TARGET_FILE:fitcheck>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(render_chromium PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
