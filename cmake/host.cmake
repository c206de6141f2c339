# Host half of the build: tools, host unit tests, the target build, and test registration.
enable_testing()
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(PECAN_TARGET_DIR "${CMAKE_BINARY_DIR}/target")
set(PECAN_RUN_QEMU "${CMAKE_SOURCE_DIR}/tools/run-qemu")

add_subdirectory(tools/mkimage)
# ned's L4.abi: lua/L4/abi.lua, so require("L4.abi") finds it with "<dir>/lua/?.lua".
set(PECAN_L4_ABI_LUA "${CMAKE_BINARY_DIR}/lua/L4/abi.lua")
add_subdirectory(tools/gen-l4-abi)

include(ExternalProject)
ExternalProject_Add(target
    SOURCE_DIR "${CMAKE_SOURCE_DIR}"
    BINARY_DIR "${PECAN_TARGET_DIR}"
    CMAKE_ARGS
        "-DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchain-armv6.cmake"
        "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}"
        "-DPECAN_BOARD=${PECAN_BOARD}"
        "-DPECAN_CACHE_DIR=${PECAN_CACHE_DIR}"
        "-DPECAN_DEPS_SRC_DIR=${PECAN_DEPS_SRC_DIR}"
        "-DPECAN_MKIMAGE=$<TARGET_FILE:mkimage>"
        "-DPECAN_L4_ABI_LUA=${PECAN_L4_ABI_LUA}"
    DEPENDS mkimage l4_abi_lua
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    USES_TERMINAL_CONFIGURE ON
    USES_TERMINAL_BUILD ON)

add_subdirectory(tests)
