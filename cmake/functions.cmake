# Helpers shared by the CMakeLists files.

# pecan_add_image(NAME <name> KERNEL <kernel target> [CMDLINE <string>] [MODULES <file>...]
#                 [DEPENDS <target>...] [CORRUPT <kind>])
# Target build: packs a kernel ELF and boot modules into images/<name>.elf with mkimage.
# CORRUPT damages the result on purpose (mkimage --corrupt) for the bad-image tests.
function(pecan_add_image)
    cmake_parse_arguments(ARG "" "NAME;KERNEL;CMDLINE;CORRUPT" "MODULES;DEPENDS" ${ARGN})
    set(out "${PECAN_IMAGE_DIR}/${ARG_NAME}.elf")
    set(module_args)
    foreach(m IN LISTS ARG_MODULES)
        list(APPEND module_args "--module" "${m}")
    endforeach()
    if(ARG_CORRUPT)
        list(APPEND module_args "--corrupt" "${ARG_CORRUPT}")
    endif()
    add_custom_command(OUTPUT "${out}"
        COMMAND "${PECAN_MKIMAGE}" --kernel "$<TARGET_FILE:${ARG_KERNEL}>"
                --cmdline "${ARG_CMDLINE}" ${module_args} --output "${out}"
        DEPENDS ${ARG_KERNEL} ${ARG_MODULES} ${ARG_DEPENDS} "${PECAN_MKIMAGE}"
        COMMENT "Packing boot image ${ARG_NAME}"
        VERBATIM)
    add_custom_target(image-${ARG_NAME} ALL DEPENDS "${out}")
endfunction()

# pecan_add_qemu_test(NAME <test> IMAGE <image name> [SMP <n>] [TIMEOUT <s>]
#                     [EXPECT_EXIT <code>] [EXPECT_LOG <regex>...] [LABELS <label>...])
# Host build: registers a ctest test that boots images/<image>.elf in QEMU through
# tools/run-qemu and checks the guest's exit status and, optionally, lines of its log.
function(pecan_add_qemu_test)
    cmake_parse_arguments(ARG "" "NAME;IMAGE;SMP;TIMEOUT;EXPECT_EXIT" "EXPECT_LOG;LABELS;EXTRA_ARGS" ${ARGN})
    if(NOT ARG_SMP)
        set(ARG_SMP ${PECAN_DEFAULT_SMP})
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 60)
    endif()
    if(NOT DEFINED ARG_EXPECT_EXIT)
        set(ARG_EXPECT_EXIT 0)
    endif()
    set(expect_args)
    foreach(e IN LISTS ARG_EXPECT_LOG)
        list(APPEND expect_args "--expect-log" "${e}")
    endforeach()
    set(logdir "${CMAKE_BINARY_DIR}/test-logs")
    add_test(NAME ${ARG_NAME}
        COMMAND "${PECAN_RUN_QEMU}" --board "${PECAN_BOARD}" --smp ${ARG_SMP}
                --image "${PECAN_TARGET_DIR}/images/${ARG_IMAGE}.elf"
                --log "${logdir}/${ARG_NAME}.log" --timeout ${ARG_TIMEOUT}
                --expect-exit ${ARG_EXPECT_EXIT} ${expect_args} ${ARG_EXTRA_ARGS})
    # ctest's own timeout is a backstop; run-qemu enforces the real one and prints the log tail.
    math(EXPR backstop "${ARG_TIMEOUT} + 30")
    set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT ${backstop} LABELS "qemu;${ARG_LABELS}")
endfunction()

# pecan_add_program_test(NAME <test> PROGRAM <program> [ARGS <string>] [ROM <program>...]
#                        [TIMEOUT <s>] [ICOUNT] [EXPECT_LOG <regex>...])
# A program that moe runs as its init program, its exit status the test's (0 passes): the
# boot image (moe, the program, the ROM programs) in the target build and the QEMU test
# in the host build, from one call in a file both builds read (tests/...). Lines with
# FAILED or "invariant violated" fail it. ICOUNT runs QEMU with -icount (guest time counts
# instructions, so a time limit holds however loaded the host is).
function(pecan_add_program_test)
    cmake_parse_arguments(ARG "ICOUNT" "NAME;PROGRAM;ARGS;TIMEOUT" "ROM;EXPECT_LOG" ${ARGN})
    if(CMAKE_CROSSCOMPILING)
        if(NOT TARGET moe)
            return()
        endif()
        set(modules "$<TARGET_FILE:moe>" "$<TARGET_FILE:${ARG_PROGRAM}>")
        foreach(p IN LISTS ARG_ROM)
            list(APPEND modules "$<TARGET_FILE:${p}>")
        endforeach()
        pecan_add_image(NAME ${ARG_NAME} KERNEL kernel
            CMDLINE "--exit-with-init --init=rom/${ARG_PROGRAM}.elf ${ARG_ARGS}"
            MODULES ${modules} DEPENDS moe ${ARG_PROGRAM} ${ARG_ROM})
        return()
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(extra --forbid-log "FAILED" --forbid-log "invariant violated")
    if(ARG_ICOUNT)
        list(APPEND extra --icount)
    endif()
    pecan_add_qemu_test(NAME ${ARG_NAME} IMAGE ${ARG_NAME} TIMEOUT ${ARG_TIMEOUT}
        EXPECT_LOG ${ARG_EXPECT_LOG} EXTRA_ARGS ${extra})
endfunction()
