# tests/accuracy: see tests/CMakeLists.txt
