# The pinned Debian packages that tools/setup.sh unpacks into PECAN_DEPS_SRC_DIR
# (docs/dependencies.md), as both builds use them.

set(PECAN_DEPS_LOCK "${CMAKE_SOURCE_DIR}/tools/deps.lock")

# pecan_require_packages(<package>...): each package must be unpacked (stamp present) from the
# versions tools/deps.lock pins now; configuring again when the lock or a stamp changes.
function(pecan_require_packages)
    file(STRINGS "${PECAN_DEPS_LOCK}" lock_lines REGEX "^[^#]")
    foreach(pkg IN LISTS ARGN)
        set(stamp "${PECAN_DEPS_SRC_DIR}/${pkg}/.pecan-stamp")
        if(NOT EXISTS "${stamp}")
            message(FATAL_ERROR "dependency sources missing in ${PECAN_DEPS_SRC_DIR}: run ./pecan setup")
        endif()
        set(want "${lock_lines}")
        string(REPLACE "." "\\." pattern "${pkg}")
        string(REPLACE "+" "\\+" pattern "${pattern}")
        list(FILTER want INCLUDE REGEX "^${pattern} ")
        file(STRINGS "${stamp}" have)
        if(NOT have STREQUAL want)
            message(FATAL_ERROR "dependency sources in ${PECAN_DEPS_SRC_DIR}/${pkg} do not match tools/deps.lock: run ./pecan setup")
        endif()
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${stamp}")
    endforeach()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PECAN_DEPS_LOCK}")
endfunction()

# pecan_console_font(<name> <variable>): the PSF font <name> (e.g. Uni2-Terminus16) from
# console-setup-linux's /usr/share/consolefonts/<name>.psf.gz, decompressed at build time
# into <build>/fonts/<name>.psf. Sets <variable> to that path; a target font-<name> builds
# it, for other targets to depend on (one rule per build, whichever directory asks first).
function(pecan_console_font name variable)
    set(output "${CMAKE_BINARY_DIR}/fonts/${name}.psf")
    set(${variable} "${output}" PARENT_SCOPE)
    if(TARGET font-${name})
        return()
    endif()
    pecan_require_packages(console-setup-linux)
    set(input "${PECAN_DEPS_SRC_DIR}/console-setup-linux/usr/share/consolefonts/${name}.psf.gz")
    if(NOT EXISTS "${input}")
        message(FATAL_ERROR "console font ${name} not found: no ${input}")
    endif()
    find_program(PECAN_GZIP gzip REQUIRED)
    add_custom_command(OUTPUT "${output}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_BINARY_DIR}/fonts"
        COMMAND "${PECAN_GZIP}" -dc "${input}" > "${output}.part"
        COMMAND "${CMAKE_COMMAND}" -E rename "${output}.part" "${output}"
        DEPENDS "${input}"
        COMMENT "Decompressing console font ${name}"
        VERBATIM)
    add_custom_target(font-${name} DEPENDS "${output}")
endfunction()
