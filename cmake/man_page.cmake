# Writes the man page mara.1 from `mara --help` and `mara --version` with
# help2man, then the gzip-compressed copy that is installed.
#   cmake -DHELP2MAN=... -DMARA=<the built mara> -DINCLUDE=packaging/mara.h2m
#         -DOUT=<build>/mara.1 -P cmake/man_page.cmake
# CLI11 lists the commands under "Subcommands:", which help2man makes a
# subsection of OPTIONS; they become a COMMANDS section of their own.
foreach(var HELP2MAN MARA INCLUDE OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "man_page.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(
  COMMAND ${HELP2MAN} --no-info --section=1 --source=Mara
    "--name=monitoring, analysis, reporting and listing of conflict-related sexual violence"
    --include=${INCLUDE} --output=${OUT}.tmp ${MARA}
  RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "help2man failed on ${MARA}")
endif()
file(READ ${OUT}.tmp page)
string(REPLACE ".SS \"Subcommands:\"" ".SH COMMANDS" page "${page}")
file(WRITE ${OUT} "${page}")
file(REMOVE ${OUT}.tmp)
execute_process(COMMAND gzip -9 -n -f -k ${OUT} RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "gzip failed on ${OUT}")
endif()
