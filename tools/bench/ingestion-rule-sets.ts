/** A 20-row FIRST table over three profile features: the rule sets the ingestion and rules benches deploy. */
export function ruleSetXml(index: number): string {
  const rows = Array.from({ length: 20 }, (_, r) => {
    const lo = r * 5;
    return `<rule id="r${r}"><inputEntry id="r${r}a"><text>[${lo}..${lo + 5})</text></inputEntry><inputEntry id="r${r}b"><text>${r % 2 === 0 ? 'true' : 'false'}</text></inputEntry><inputEntry id="r${r}c"><text></text></inputEntry><outputEntry id="r${r}o"><text>"offer-${index}-${r}"</text></outputEntry></rule>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d${index}" name="d" namespace="bench">
  <decision id="offer" name="Offer"><decisionTable id="t${index}" hitPolicy="FIRST">
    <input id="i1"><inputExpression id="e1" typeRef="number"><text>age</text></inputExpression></input>
    <input id="i2"><inputExpression id="e2" typeRef="boolean"><text>holds_checking_account</text></inputExpression></input>
    <input id="i3"><inputExpression id="e3" typeRef="number"><text>card_spend_sum_30d</text></inputExpression></input>
    <output id="o1" name="offer" typeRef="string"/>${rows}
  </decisionTable></decision>
</definitions>`;
}
