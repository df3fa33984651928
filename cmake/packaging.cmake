# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package: `cmake --build BUILD --target package` (or scripts/package.sh, which configures a
# Release tree for /usr) packs everything `cmake --install` installs into one .deb. Library dependencies
# come from dpkg-shlibdeps; what the binaries load at run time as plugins is named here. The package
# holds the prefix the tree was configured with, so its unit names the binary where it lands.
# docs/INSTALL.md.
include(GNUInstallDirs)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME switchboard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Switchboard speaks BOSH (XEP-0124/0206) and XMPP over WebSocket (RFC 7395) to browsers and other HTTP
clients, and XMPP (RFC 6120) to any XMPP server, with a REST gateway, a status page, Prometheus metrics
and an optional monitor window. Includes switchboard-bench, a load generator, switchboard-check, a conformance checker for any BOSH
and WebSocket endpoint, and a systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(SWITCHBOARD_PACKAGE_MAINTAINER "Switchboard developers <switchboard@localhost>" CACHE STRING
    "The Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SWITCHBOARD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
# Plugins, which dpkg-shlibdeps cannot see: the SQLite driver of the REST session store (Qt Sql).
# The window needs Qt's platform plugins; Qt's own strings in German and French are in
# qt6-translations-l10n (Switchboard's are compiled in).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
if(SWITCHBOARD_BUILD_GUI)
    set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-qpa-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-translations-l10n, prosody | ejabberd")
# The configuration is a conffile: an upgrade keeps the administrator's edits (dpkg asks when both
# changed), and only a purge removes it.
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/debian/conffiles
     CONTENT "${CMAKE_INSTALL_FULL_SYSCONFDIR}/switchboard/switchboard.conf\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm ${PROJECT_SOURCE_DIR}/deploy/debian/postrm
    ${PROJECT_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    message(STATUS "Packaging for ${CMAKE_INSTALL_PREFIX}: a Debian package normally installs to /usr "
                   "(scripts/package.sh configures that)")
endif()
include(CPack)
