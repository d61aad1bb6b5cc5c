// Synthesised by yosys (@yowasp/yosys) under scripts/real-programs.mjs: an 8-bit counter with reset, enable and a wrap flag.
module counter(input clk, input rst, input en, output reg [7:0] q, output wrap);
  always @(posedge clk)
    if (rst) q <= 0;
    else if (en) q <= q + 1;
  assign wrap = &q;
endmodule
