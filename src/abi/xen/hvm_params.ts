// abi/xen/hvm_params.ts - xen/include/public/hvm/params.h and hvm/hvm_op.h: HVM_PARAM_* indexes, the callback
// IRQ encoding for Arm, and HVMOP_set_param / HVMOP_get_param with struct xen_hvm_param.

export const HVMOP_set_param = 0;
export const HVMOP_get_param = 1;
export const HVMOP_flush_tlbs = 5;
export const HVMOP_pagetable_dying = 9;
export const HVMOP_get_time = 10;
export const HVMOP_get_mem_type = 15;
export const HVMOP_guest_request_vm_event = 24;
export const HVMOP_altp2m = 25;

/** struct xen_hvm_param { domid_t domid; uint16_t pad; uint32_t index; uint64_t value; } (16 bytes) */
export const HVM_PARAM_DOMID = 0;
export const HVM_PARAM_PAD = 2;
export const HVM_PARAM_INDEX = 4;
export const HVM_PARAM_VALUE = 8;
export const HVM_PARAM_SIZE = 16;

export const HVM_PARAM_CALLBACK_IRQ = 0;
export const HVM_PARAM_STORE_PFN = 1;
export const HVM_PARAM_STORE_EVTCHN = 2;
export const HVM_PARAM_IOREQ_PFN = 5;
export const HVM_PARAM_BUFIOREQ_PFN = 6;
export const HVM_PARAM_TIMER_MODE = 10;
export const HVM_PARAM_CONSOLE_PFN = 17;
export const HVM_PARAM_CONSOLE_EVTCHN = 18;
export const HVM_PARAM_MONITOR_RING_PFN = 28;
export const HVM_NR_PARAMS = 39;

// HVM_PARAM_CALLBACK_IRQ encoding: type in bits 63:56; for type PPI the flags in bits 15:8 and the PPI in 7:0
export const HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT = 56n;
export const HVM_PARAM_CALLBACK_TYPE_GSI = 0;
export const HVM_PARAM_CALLBACK_TYPE_PCI_INTX = 1;
export const HVM_PARAM_CALLBACK_TYPE_PPI = 2;
export const HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL = 2;

/** CALLBACK_IRQ value for an Arm domain: PPI `ppi`, active-low level (xen/arch/arm/domain_build.c). */
export function callbackIrqPpi(ppi: number): bigint {
  return (BigInt(HVM_PARAM_CALLBACK_TYPE_PPI) << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) |
    (BigInt(HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL) << 8n) | BigInt(ppi & 0xff);
}
