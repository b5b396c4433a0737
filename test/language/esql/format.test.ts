import { expect } from 'chai';
import { formatHtml, formatText } from '../../../language/esql/format';

describe('ES|QL result formatting', () => {
  const result = {
    columns: [{ name: 'name', type: 'keyword' }, { name: 'avg', type: 'double' }, { name: 'tags', type: 'keyword' }],
    values: [['ada', 2, ['a', 'b']], ['<b>', null, null]],
    warnings: [],
  };

  it('renders a text table like format=txt', () => {
    expect(formatText(result)).to.equal(
      '     name      |      avg      |     tags      \n' +
      '---------------+---------------+---------------\n' +
      'ada            |2.0            |[a, b]         \n' +
      '<b>            |null           |null           \n');
  });

  it('renders an escaped HTML table', () => {
    const html = formatHtml(result);
    expect(html).to.contain('<th title="double">avg</th>');
    expect(html).to.contain('<td>&lt;b&gt;</td>');
    expect(html).to.contain('<td style="text-align: right">2.0</td>');
  });
});
