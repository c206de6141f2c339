# Target half of the build: everything that runs on the board, and the boot images.
enable_language(ASM)
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
if(NOT PECAN_MKIMAGE)
    message(FATAL_ERROR "PECAN_MKIMAGE is not set: configure the top level without a toolchain file; it builds the target tree itself")
endif()
set(PECAN_IMAGE_DIR "${CMAKE_BINARY_DIR}/images")
# The programs as the Lua scenarios' rom holds them (pecan_add_program in l4re/).
set(PECAN_ROM_DIR "${CMAKE_BINARY_DIR}/rom")
# Every executable's libraries form one group: newlib and the runtime call each other, and
# a library's dependencies (listed after it by CMake) may need newlib again.
set(CMAKE_C_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> <FLAGS> <CMAKE_C_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> -Wl,--start-group <LINK_LIBRARIES> -Wl,--end-group")
file(MAKE_DIRECTORY "${PECAN_IMAGE_DIR}" "${PECAN_ROM_DIR}")

add_subdirectory(kernel)
add_subdirectory(l4re)
add_subdirectory(pkg)
add_subdirectory(servers)
add_subdirectory(tests)
# Last: a Lua scenario's rom holds every program, so every program must be known by then.
add_subdirectory(conf)
