# Boards Pecan knows: every kernel/plat/<board>/plat.cmake. That file sets the QEMU machine,
# CPU count, RAM and the kernel's platform sources (see docs/boot.md, "Adding a board").
file(GLOB _plat_files RELATIVE "${CMAKE_SOURCE_DIR}/kernel/plat" "${CMAKE_SOURCE_DIR}/kernel/plat/*/plat.cmake")
set(PECAN_BOARDS)
foreach(f IN LISTS _plat_files)
    get_filename_component(_board "${f}" DIRECTORY)
    list(APPEND PECAN_BOARDS "${_board}")
endforeach()

if(NOT PECAN_BOARD IN_LIST PECAN_BOARDS)
    string(REPLACE ";" ", " _known "${PECAN_BOARDS}")
    message(FATAL_ERROR "unknown board '${PECAN_BOARD}': known boards are ${_known}")
endif()

set(PECAN_PLAT_DIR "${CMAKE_SOURCE_DIR}/kernel/plat/${PECAN_BOARD}")
include("${PECAN_PLAT_DIR}/plat.cmake")
