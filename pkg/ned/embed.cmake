# cmake -DINPUT=<file> -DOUTPUT=<c file> -DNAME=<symbol> -P embed.cmake
# Writes a C file defining `const char NAME[]` (the file's bytes plus a NUL) and
# `const unsigned NAME_size` (without the NUL).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT} by pkg/ned/embed.cmake. */\n"
     "const char ${NAME}[] = {\n${bytes}0x00 };\nconst unsigned ${NAME}_size = ${size};\n")
