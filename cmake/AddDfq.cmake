# Helpers shared by dfq's CMake files.

# dfq_add_doc(<td-file-without-ext> <output-name> <tblgen-flags>...)
#
# Generates Markdown reference docs from ODS and copies them into
# docs/reference/ in the source tree, so the docs that readers browse in the
# repository are exactly what the build produces. Part of the `dfq-doc` target.
function(dfq_add_doc td_file output_name)
  set(LLVM_TARGET_DEFINITIONS ${td_file}.td)
  tablegen(MLIR ${output_name}.md ${ARGN} ${DFQ_TABLEGEN_INCLUDES})
  set(dest ${PROJECT_SOURCE_DIR}/docs/reference/${output_name}.md)
  add_custom_command(
    OUTPUT ${dest}
    COMMAND ${CMAKE_COMMAND} -E copy
            ${CMAKE_CURRENT_BINARY_DIR}/${output_name}.md ${dest}
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${output_name}.md)
  add_custom_target(${output_name}DocGen DEPENDS ${dest})
  add_dependencies(dfq-doc ${output_name}DocGen)
endfunction()

# dfq_enable_rtti_exceptions(<target>)
#
# LLVM and MLIR are built without RTTI and exceptions, and so is dfq. A few
# third-party libraries (libtorch, protobuf) need both; the targets that wrap
# them turn them back on here, expose only plain C++ headers, and never include
# MLIR headers, so the two worlds meet through plain structs and functions.
function(dfq_enable_rtti_exceptions target)
  target_compile_options(${target} PRIVATE -frtti -fexceptions)
  target_compile_options(${target} PRIVATE -Wno-unused-parameter
    -Wno-deprecated-declarations)
endfunction()
