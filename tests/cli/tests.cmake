# tests/cli: see tests/CMakeLists.txt
