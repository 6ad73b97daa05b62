# tests/cost: 'fitcheck cost' and the cost table of 'fitcheck compare', with
# figures derived by hand from catalog values (see cost_test.sh)
foreach(group formats api errors compare)
  add_test(NAME cost_${group}
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cost/cost_test.sh $<TARGET_FILE:fitcheck>
            $<TARGET_FILE:fc_jsoncheck> ${group}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()

# cost_catalog: price_usd / power_w against the reference sheet's launch_msrp_usd
# and tdp_w, and the pricing rule (price_kind) the cost figures rely on
fitcheck_unit_test(cost_catalog cost/test_cost_catalog.c catalog/refsheet.c)
