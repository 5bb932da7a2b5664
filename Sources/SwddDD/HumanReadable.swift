import SwddSystem
/// gnulib `human_readable` with the options dd uses for sizes and rates:
/// `human_autoscale | human_round_to_nearest | human_space_before_unit | human_SI | human_B`,
/// plus `human_base_1024` for the IEC form. Ported branch for branch, because its exact integer
/// rounding (and its long-double fallback) is what makes `999500 bytes` read `1.0 MB`.
enum HumanReadable {
    /// gnulib 2022's power letters; 9.1 predates R and Q.
    private static let powerLetters: [Character] = ["K", "M", "G", "T", "P", "E", "Z", "Y"]
    private static let exponentMax = 8

    #if arch(x86_64) || arch(i386)
    /// C's `long double` on this architecture.
    typealias LongDouble = Float80
    #else
    typealias LongDouble = Double
    #endif

    /// `n` × `fromBlockSize` ÷ `toBlockSize`, scaled and suffixed: `"1.0 kB"`, `"977 KiB"`, `"0 B"`.
    static func format(
        _ n: UInt64, base1024: Bool, fromBlockSize: UInt64 = 1, toBlockSize: UInt64 = 1,
        decimalPoint: String = CFormat.decimalPoint
    ) -> String {
        let base: UInt64 = base1024 ? 1024 : 1000
        var exponent = 0
        var number: String

        if let (amount, tenths, rounding) = exactQuotient(n, fromBlockSize, toBlockSize) {
            (number, exponent) = integerDigits(
                amount, tenths: tenths, rounding: rounding, base: base, decimalPoint: decimalPoint)
        } else {
            (number, exponent) = floatingDigits(
                n, fromBlockSize, toBlockSize, base: base, base1024: base1024,
                decimalPoint: decimalPoint)
        }

        var suffix = " "
        if exponent != 0 {
            suffix.append(!base1024 && exponent == 1 ? "k" : powerLetters[exponent - 1])
            if base1024 { suffix += "i" }
        }
        suffix += "B"
        return number + suffix
    }

    /// The adjusted amount in integer arithmetic, when it can be exact: (amount, tenths,
    /// rounding) where rounding is 0 (exact), 1 (< half), 2 (half), 3 (> half) of a tenth.
    private static func exactQuotient(
        _ n: UInt64, _ from: UInt64, _ to: UInt64
    ) -> (UInt64, UInt64, UInt64)? {
        if to <= from {
            guard from % to == 0 else { return nil }
            let (amount, overflow) = n.multipliedReportingOverflow(by: from / to)
            return overflow ? nil : (amount, 0, 0)
        }
        guard from != 0, to % from == 0 else { return nil }
        let divisor = to / from
        // C's uintmax_t arithmetic wraps; so does &*.
        let r10 = (n % divisor) &* 10
        let r2 = (r10 % divisor) &* 2
        let rounding: UInt64 = r2 < divisor ? (0 < r2 ? 1 : 0) : 2 + (divisor < r2 ? 1 : 0)
        return (n / divisor, r10 / divisor, rounding)
    }

    /// `use_integer_arithmetic` with autoscale and round-to-nearest.
    private static func integerDigits(
        _ start: UInt64, tenths startTenths: UInt64, rounding startRounding: UInt64,
        base: UInt64, decimalPoint: String
    ) -> (String, Int) {
        var amount = start
        var tenths = startTenths
        var rounding = startRounding
        var exponent = 0
        var fraction = ""
        if base <= amount {
            repeat {
                let r10 = (amount % base) * 10 + tenths
                let r2 = (r10 % base) * 2 + (rounding >> 1)
                amount /= base
                tenths = r10 / base
                rounding = r2 < base ? ((r2 + rounding) != 0 ? 1 : 0) : 2 + (base < r2 + rounding ? 1 : 0)
                exponent += 1
            } while base <= amount && exponent < exponentMax

            if amount < 10 {
                if 2 < rounding + (tenths & 1) {
                    tenths += 1
                    rounding = 0
                    if tenths == 10 {
                        amount += 1
                        tenths = 0
                    }
                }
                if amount < 10 {
                    fraction = decimalPoint + String(tenths)
                    tenths = 0
                    rounding = 0
                }
            }
        }
        if 5 < tenths + (0 < rounding + (amount & 1) ? 1 : 0) {
            amount += 1
            if amount == base && exponent < exponentMax {
                exponent += 1
                fraction = decimalPoint + "0"
                amount = 1
            }
        }
        return (String(amount) + fraction, exponent)
    }

    /// gnulib's floating-point fallback (it admits it "can yield answers that are slightly off";
    /// we reproduce them by using the same `long double` and printf).
    private static func floatingDigits(
        _ n: UInt64, _ from: UInt64, _ to: UInt64, base: UInt64, base1024: Bool,
        decimalPoint: String
    ) -> (String, Int) {
        let toSize = LongDouble(to)
        var amount = LongDouble(n) * (LongDouble(from) / toSize)
        var scale: LongDouble = 1
        var exponent = 0
        let dbase = LongDouble(base)
        repeat {
            scale *= dbase
            exponent += 1
        } while scale * dbase <= amount && exponent < exponentMax
        amount /= scale

        var text = printf("%.1Lf", amount)
        let nonIntegerLength = decimalPoint.utf8.count + 1
        if 1 + nonIntegerLength + (base1024 ? 0 : 1) < text.utf8.count {
            text = printf("%.0Lf", amount * 10 / 10)
        }
        return (text, exponent)
    }

    private static func printf(_ format: String, _ value: LongDouble) -> String {
        #if arch(x86_64) || arch(i386)
        return CFormat.format(format, longDouble: value)
        #else
        return CFormat.format(format.replacingLongDoubleLength(), value)
        #endif
    }
}

#if !(arch(x86_64) || arch(i386))
extension String {
    /// "%.1Lf" → "%.1f" where Swift has no `long double` type.
    fileprivate func replacingLongDoubleLength() -> String {
        String(self.filter { $0 != "L" })
    }
}
#endif
