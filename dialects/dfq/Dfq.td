//===- Dfq.td - dfq dialect umbrella -----------------------*- tablegen -*-===//

#ifndef DFQ_TD
#define DFQ_TD

include "DfqBase.td"
include "DfqEnums.td"
include "DfqAttrs.td"
include "DfqTargetAttrs.td"
include "DfqKernelAttrs.td"
include "DfqGraphOps.td"
include "DfqQuantOps.td"

#endif // DFQ_TD
