# tests/catalog: see tests/CMakeLists.txt
