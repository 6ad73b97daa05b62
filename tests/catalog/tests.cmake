# tests/catalog: the catalog (the data/ JSON files) against the reference sheets
# (the tests/reference/ CSV files, read with libcsv), parameter counts recomputed from
# each model's architecture, and the catalog's breadth as the CLI lists it.
# See tests/CMakeLists.txt for fitcheck_unit_test.

# catalog_xref: field-by-field cross-check with the reference sheets; fails
# on any disagreement not named in the entry's ref_differs, on a ref without
# a row, and on a reference row no entry refers to.
fitcheck_unit_test(catalog_xref
  catalog/test_catalog_xref.c
  catalog/refsheet.c)

# catalog_params: fc_model_count_params within 3% of params_b and
# active_params_b unless params_note explains it.
fitcheck_unit_test(catalog_params
  catalog/test_catalog_params.c)

# catalog_cli: `fitcheck list hardware|models --format json` breadth (>= 160
# hardware, >= 110 models) and a source on every item, through the binary.
add_executable(catalog_cli catalog/test_catalog_cli.c)
target_link_libraries(catalog_cli PRIVATE PkgConfig::CMOCKA ${FITCHECK_CJSON})
target_compile_options(catalog_cli PRIVATE ${FITCHECK_WARNINGS})
add_dependencies(catalog_cli fitcheck)
add_test(NAME catalog_cli COMMAND catalog_cli $<TARGET_FILE:fitcheck>)
set_tests_properties(catalog_cli PROPERTIES WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
