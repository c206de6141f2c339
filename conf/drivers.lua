-- Drivers are ordinary programs (docs/drivers.md): the boot script hands each exactly its
-- device: a view of moe's "iomem" covering its registers, a view of moe's "icu" covering
-- its interrupt line, and, for a device that reads memory itself, a physically contiguous
-- dataspace whose physical address the script can read.
--
-- IRQ numbers are the kernel's: 32-63 are the MPCore GIC's IDs, 64 + n is board line n
-- through the board GIC1 cascade (UART2 is line 14: IRQ 78; the PL081 DMA line 24: IRQ 88;
-- UART3 line 15: IRQ 79). None of the three devices below reaches the CPU another way.
local L4 = require("L4")
local ld = L4.default_loader
local iomem, icu = L4.Env.iomem, L4.Env.icu

-- UART2's transmit interrupt, 100 times, each acknowledged.
local uart = ld:start({ caps = { iomem = iomem:view(0x1000B000, 0x1000), icu = icu:view(78, 1) },
                        quota = 1024 * 1024, log = { "uart2", "cyan" } },
                      "rom/uart-irq.elf 0x1000B000 78 100")

-- The PL081 copies between a buffer the script makes and one the driver makes; the
-- script hands over the buffer and its physical address.
local buffer = L4.Env.mem_alloc:create(L4.Proto.Dataspace, 0x10000, L4.Mem_alloc_flags.Continuous)
local dma = ld:start({ caps = { iomem = iomem:view(0x10030000, 0x1000), icu = icu:view(88, 1),
                                buffer = buffer },
                       quota = 1024 * 1024, log = { "dma", "green" } },
                     string.format("rom/dma-copy.elf 0x10030000 88 0x%x", buffer:phys()))

-- A driver given UART3 that tries to take more.
local hostile = ld:start({ caps = { iomem = iomem:view(0x1000C000, 0x1000), icu = icu:view(79, 1) },
                           quota = 1024 * 1024, log = { "hostile", "red" } },
                         "rom/drvhostile.elf")

local statuses = { uart = uart:wait(), dma = dma:wait(), hostile = hostile:wait() }
for _, name in ipairs({ "uart", "dma", "hostile" }) do
    print(name .. " exited with status " .. tostring(statuses[name]))
    if statuses[name] ~= 0 then error(name .. " failed") end
end
print("drivers: every driver had its device and nothing more")
