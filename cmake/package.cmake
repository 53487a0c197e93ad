# Installation and the Debian package (CPack, DEB generator).
#
#   cmake --build build --target package     or     cd build && cpack -G DEB
#
# writes build/mara_<version>_amd64.deb: /usr/bin/mara (stripped), the man
# page, the systemd unit mara.service (installed, not enabled), the policy
# files under /usr/share/mara/policies, the demo data under
# /usr/share/mara/examples and the documentation under /usr/share/doc/mara.
# Its maintainer scripts (packaging/deb/) create the system user mara. The
# runtime libraries it depends on are found by dpkg-shlibdeps.
include(GNUInstallDirs)

install(TARGETS mara RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The man page, written from `mara --help` by help2man after every link of
# mara, so that it always lists the commands of the binary beside it. The
# sanitized trees, which are never packaged, go without it.
find_program(MARA_HELP2MAN_PROGRAM help2man)
if(MARA_SANITIZE OR MARA_FUZZ)
  # no man page
elseif(MARA_HELP2MAN_PROGRAM)
  add_custom_command(TARGET mara POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${MARA_HELP2MAN_PROGRAM} -DMARA=$<TARGET_FILE:mara>
      -DINCLUDE=${CMAKE_SOURCE_DIR}/packaging/mara.h2m -DOUT=${CMAKE_BINARY_DIR}/mara.1
      -P ${CMAKE_SOURCE_DIR}/cmake/man_page.cmake
    COMMENT "Writing the man page mara.1 from mara --help (help2man)"
    VERBATIM)
  install(FILES ${CMAKE_BINARY_DIR}/mara.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page is installed (scripts/install-deps.sh)")
endif()

install(DIRECTORY ${CMAKE_SOURCE_DIR}/policies/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mara/policies
  FILES_MATCHING PATTERN "*.toml")
install(FILES ${CMAKE_SOURCE_DIR}/examples/demo.json ${CMAKE_SOURCE_DIR}/examples/README.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/mara/examples)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/packaging/copyright
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB mara_doc_pages ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${mara_doc_pages} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# The systemd unit names the installed mara by its full path, which is only
# known at install time (/usr/bin in the package), so it is written then.
install(CODE "
  set(MARA_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  configure_file(\"${CMAKE_SOURCE_DIR}/packaging/mara.service.in\"
    \"${CMAKE_BINARY_DIR}/packaging/mara.service\" @ONLY)
")
install(FILES ${CMAKE_BINARY_DIR}/packaging/mara.service
  DESTINATION lib/systemd/system)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mara)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Mara project")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "monitoring, analysis, reporting and listing of conflict-related sexual violence")
# The extended description, one control-file line per line.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "Mara documents and verifies incidents of conflict-related sexual violence,"
  "attributes them to parties to armed conflict, weighs them against a"
  "published, versioned policy and turns them into an annex of listed parties"
  "and a monitoring list, each with a statement of case citing the evidence."
  ""
  "One program: the mara command line, and mara serve, an HTTP API with the"
  "browser application built in. The store is SQLite or PostgreSQL; sensitive"
  "fields are encrypted and every change is appended to a signed audit chain."
  "The systemd unit mara.service is installed but not enabled.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Mara project")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beside the libraries dpkg-shlibdeps finds: adduser for the postinst.
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
# PDF reports run Chromium; backups of a PostgreSQL store run pg_dump.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "chromium, postgresql-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
  ${CMAKE_SOURCE_DIR}/packaging/deb/prerm ${CMAKE_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
