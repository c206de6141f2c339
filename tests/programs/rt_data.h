/* SPDX-License-Identifier: MIT */
/* The content of rom/rt_data.txt, which the build writes (CMakeLists.txt) and rtcheck
 * reads back: RT_DATA_LINES lines "line <n> of the runtime test file\n". */
#ifndef RT_DATA_H
#define RT_DATA_H

#define RT_DATA_LINES 2000
#define RT_DATA_LINE_FORMAT "line %d of the runtime test file\n"

#endif
